import { connectCharger, type ChargerClient } from './charger-client.js';
import { bootNotification } from './ocpp16-messages.js';

/** A fixed answer, or a function of the CALL's payload (throw a ChargerCallErrorReply for a CALLERROR). */
export type Answer = unknown | ((payload: any) => unknown);

export interface AnsweringCharger {
  charger: ChargerClient;
  identity: string;
  /** Every CALL the CSMS sent, in order. */
  received: { action: string; payload: any }[];
  /** What it answers per action; change it between steps. Unlisted actions get NotImplemented. */
  answers: Map<string, Answer>;
}

/** A booted 1.6 charger that answers the CSMS's commands from a table and keeps what it received. */
export async function anAnsweringCharger(
  ocppUrl: string,
  identity: string,
  answers: Record<string, Answer> = {},
): Promise<AnsweringCharger> {
  const received: AnsweringCharger['received'] = [];
  const table = new Map<string, Answer>(Object.entries(answers));
  const charger = await connectCharger(ocppUrl, identity, {
    onCall: (action, payload) => {
      received.push({ action, payload });
      if (!table.has(action)) throw { code: 'NotImplemented', description: `no answer for ${action}` };
      const answer = table.get(action);
      return typeof answer === 'function' ? (answer as (p: unknown) => unknown)(payload) : answer;
    },
  });
  await charger.call('BootNotification', bootNotification());
  return { charger, identity, received, answers: table };
}

/** An answer that never comes: the CSMS times out. */
export const noAnswer = () => new Promise(() => {});

/** Answer with a CALLERROR. */
export const callError = (code: string, description = '') => () => {
  throw { code, description };
};
