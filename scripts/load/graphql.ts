// Minimal GraphQL-over-HTTP client plus the idempotent setup the load scripts need:
// stations and id tokens that may or may not exist yet.

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [k: string]: unknown };
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: GraphQLErrorShape[];
}

export class GraphQLRequestError extends Error {
  override readonly name = 'GraphQLRequestError';
  constructor(
    message: string,
    readonly errors: GraphQLErrorShape[] = [],
  ) {
    super(message);
  }
}

let authorization: string | undefined;

/** Sends `authorization: Bearer <token>` with every request from now on (for a CSMS that requires it). */
export function setBearerToken(token: string | undefined): void {
  authorization = token ? `Bearer ${token}` : undefined;
}

/** POST one operation to `${baseUrl}/graphql`; transport and HTTP failures throw, GraphQL errors are returned. */
export async function graphql<T = Record<string, any>>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  let res: Response;
  for (let attempt = 1; ; attempt++) {
    res = await fetch(`${baseUrl.replace(/\/+$/, '')}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    // Refused by the per-caller rate limit: wait as told, as a well-behaved client does.
    if (res.status !== 429 || attempt === 20) break;
    await res.arrayBuffer();
    const wait = Number(res.headers.get('retry-after')) || 1;
    await new Promise((r) => setTimeout(r, wait * 1000));
  }
  const text = await res.text();
  let body: GraphQLResponse<T>;
  try {
    body = JSON.parse(text) as GraphQLResponse<T>;
  } catch {
    throw new GraphQLRequestError(`HTTP ${res.status} from ${baseUrl}/graphql: ${text.slice(0, 200)}`);
  }
  if (!res.ok && !body.errors) throw new GraphQLRequestError(`HTTP ${res.status} from ${baseUrl}/graphql`);
  return body;
}

/** Run `fn` over `items` with at most `concurrency` in flight. */
export async function mapLimit<T, R>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

const chunk = <T>(items: T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

// Identities and tag values here are plain ASCII; a JSON string is a valid GraphQL string literal.
const lit = (s: string) => JSON.stringify(s);

export interface StationSpec {
  identity: string;
  name: string;
}

export interface SetupResult {
  created: number;
  existing: number;
}

export interface SetupOptions {
  /** Fields (aliases) per GraphQL document; the server refuses more than GRAPHQL_MAX_ALIASES (30). */
  batch?: number;
  /** Documents in flight at once. */
  concurrency?: number;
}

/**
 * Makes sure every station exists: looks them up in aliased batches, registers the missing
 * ones in aliased mutation batches, and falls back to one mutation per station (CONFLICT
 * counts as existing) if a batch fails, e.g. because another client registered one meanwhile.
 */
export async function ensureStations(baseUrl: string, stations: StationSpec[], options: SetupOptions = {}): Promise<SetupResult> {
  return ensure(baseUrl, stations, options, {
    lookup: (s) => `station(identity: ${lit(s.identity)}) { id }`,
    create: (s) => `registerStation(input: { identity: ${lit(s.identity)}, name: ${lit(s.name)} }) { id }`,
  });
}

/** The same for RFID id tokens. */
export async function ensureIdTokens(baseUrl: string, values: string[], options: SetupOptions = {}): Promise<SetupResult> {
  return ensure(baseUrl, values, options, {
    lookup: (v) => `idToken(value: ${lit(v)}) { id }`,
    create: (v) => `issueIdToken(input: { value: ${lit(v)}, type: RFID, label: "load simulator" }) { id }`,
  });
}

async function ensure<T>(
  baseUrl: string,
  items: T[],
  { batch = 25, concurrency = 4 }: SetupOptions,
  fields: { lookup: (item: T) => string; create: (item: T) => string },
): Promise<SetupResult> {
  const missing: T[] = [];
  await mapLimit(chunk(items, batch), concurrency, async (group) => {
    const body = group.map((item, i) => `a${i}: ${fields.lookup(item)}`).join('\n');
    const res = await graphql(baseUrl, `query {\n${body}\n}`);
    if (res.errors?.length || !res.data) {
      // Cannot tell what exists (e.g. the query needs a viewer we are not): create them all,
      // and let CONFLICT answers say which existed.
      missing.push(...group);
      return;
    }
    group.forEach((item, i) => {
      if (!res.data![`a${i}`]) missing.push(item);
    });
  });

  let created = 0;
  const single = async (item: T) => {
    const res = await graphql(baseUrl, `mutation { a0: ${fields.create(item)} }`);
    const err = res.errors?.[0];
    if (!err) created++;
    else if (err.extensions?.code !== 'CONFLICT')
      throw new GraphQLRequestError(`setup failed: ${err.message} (${err.extensions?.code ?? 'no code'})`, res.errors);
  };
  await mapLimit(chunk(missing, batch), concurrency, async (group) => {
    const body = group.map((item, i) => `a${i}: ${fields.create(item)}`).join('\n');
    const res = await graphql(baseUrl, `mutation {\n${body}\n}`);
    if (!res.errors?.length) {
      created += group.length;
      return;
    }
    // Mutation fields run in order and the first non-null error stops the rest: redo one by one.
    for (const item of group) await single(item);
  });
  return { created, existing: items.length - created };
}

/** An access token for setup work (registering stations and tokens): the load tools log in like any client. */
export async function loginToken(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await graphql<{ login: { accessToken: string } }>(
    baseUrl,
    'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }',
    { email, password },
  );
  if (!res.data?.login) throw new GraphQLRequestError(`login as ${email} failed: ${res.errors?.[0]?.message ?? 'no answer'}`, res.errors);
  return res.data.login.accessToken;
}

/**
 * Prices every station with one tariff (energy, time and parking, VAT), so the benchmark
 * measures billing's running cost on the meter path: creates the tariff once, then assigns it
 * to each station in aliased batches. Returns the tariff id.
 */
export async function ensureTariff(baseUrl: string, identities: string[], options: SetupOptions = {}): Promise<string> {
  const created = await graphql<{ createTariff: { id: string } }>(
    baseUrl,
    `mutation($i: CreateTariffInput!) { createTariff(input: $i) { id } }`,
    {
      i: {
        name: 'Bench AC',
        currency: 'EUR',
        elements: [
          { priceComponents: [{ type: 'ENERGY', price: '0.39', vat: '19', stepSize: 1 }, { type: 'TIME', price: '1.20', vat: '19', stepSize: 60 }] },
          { priceComponents: [{ type: 'PARKING_TIME', price: '6.00', vat: '19', stepSize: 60 }], restrictions: { minDuration: 1800 } },
        ],
      },
    },
  );
  const tariffId = created.data?.createTariff?.id;
  if (!tariffId) throw new GraphQLRequestError(`createTariff failed: ${created.errors?.[0]?.message ?? 'no answer'}`, created.errors);
  await mapLimit(chunk(identities, options.batch ?? 25), options.concurrency ?? 4, async (group) => {
    const body = group.map((id, i) => `a${i}: assignTariff(input: { tariffId: ${lit(tariffId)}, stationIdentity: ${lit(id)} }) { id }`).join('\n');
    const res = await graphql(baseUrl, `mutation {\n${body}\n}`);
    if (res.errors?.length) throw new GraphQLRequestError(`assignTariff failed: ${res.errors[0]!.message}`, res.errors);
  });
  return tariffId;
}
