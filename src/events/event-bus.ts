import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { SlidingBuffer } from '@repeaterjs/repeater';
import { Redis } from 'ioredis';
import type { ChannelName, DomainEvents, EventPublisher } from '../domain/events.js';

/** The domain's EventPublisher, plus what the edges need: subscribing (GraphQL subscriptions) and closing. */
export interface EventBus extends EventPublisher {
  readonly transport: 'redis' | 'in-process';
  subscribe<K extends ChannelName>(channel: K): AsyncIterableIterator<DomainEvents[K]>;
  close(): Promise<void>;
}

type Topics = { [K in string]: [unknown] };

// A subscriber that cannot keep up loses the oldest live events, never the server's memory:
// everything published was stored first and can be read back.
// One meter batch can release thousands of events at once, so the buffer is sized for bursts.
const SUBSCRIBER_BUFFER = 20_000;

export interface EventBusOptions {
  redisUrl?: string;
  /** Prefixes every Redis channel, so several deployments (or test runs) can share one Redis. */
  channelPrefix: string;
}

export async function createEventBus(options: EventBusOptions): Promise<EventBus> {
  const topic = (channel: ChannelName) => `${options.channelPrefix}:${channel}`;
  if (!options.redisUrl) {
    const pubSub = createPubSub<Topics>({ repeaterBuffer: new SlidingBuffer(SUBSCRIBER_BUFFER) });
    return wrap(pubSub, topic, 'in-process', async () => {});
  }

  const connect = async () => {
    const client = new Redis(options.redisUrl!, { lazyConnect: true, maxRetriesPerRequest: null });
    await client.connect();
    return client;
  };
  const publishClient = await connect();
  const subscribeClient = await connect();
  const eventTarget = createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient });
  const pubSub = createPubSub<Topics>({
    eventTarget: eventTarget as never,
    repeaterBuffer: new SlidingBuffer(SUBSCRIBER_BUFFER),
  });
  return wrap(pubSub, topic, 'redis', async () => {
    await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
  });
}

function wrap(
  pubSub: PubSub<Topics>,
  topic: (c: ChannelName) => string,
  transport: EventBus['transport'],
  close: () => Promise<void>,
): EventBus {
  return {
    transport,
    publish: (channel, event) => pubSub.publish(topic(channel), event),
    subscribe: (channel) => pubSub.subscribe(topic(channel)) as never,
    close,
  };
}
