import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { SlidingBuffer } from '@repeaterjs/repeater';
import type { ChannelName, DomainEvents, EventPublisher } from '../domain/events.js';
import type { Logger } from '../logger.js';
import { connectRedis } from './redis-client.js';

/** The domain's EventPublisher, plus what the edges need: subscribing (GraphQL subscriptions) and closing. */
export interface EventBus extends EventPublisher {
  readonly transport: 'redis' | 'in-process';
  /** Whether Redis is reachable now ('off' without Redis), for /health. */
  redisState(): 'up' | 'down' | 'off';
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
  logger: Logger;
}

export async function createEventBus(options: EventBusOptions): Promise<EventBus> {
  const topic = (channel: ChannelName) => `${options.channelPrefix}:${channel}`;
  if (!options.redisUrl) {
    const pubSub = createPubSub<Topics>({ repeaterBuffer: new SlidingBuffer(SUBSCRIBER_BUFFER) });
    return wrap(pubSub, topic, 'in-process', () => 'off', async () => {});
  }

  const publisher = await connectRedis(options.redisUrl, 'events publisher', options.logger);
  const subscriber = await connectRedis(options.redisUrl, 'events subscriber', options.logger).catch(async (err) => {
    await publisher.client.quit().catch(() => {});
    throw err;
  });
  const publishClient = publisher.client;
  const subscribeClient = subscriber.client;
  const eventTarget = createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient });
  const pubSub = createPubSub<Topics>({
    eventTarget: eventTarget as never,
    repeaterBuffer: new SlidingBuffer(SUBSCRIBER_BUFFER),
  });
  const state = () => (publisher.isUp() && subscriber.isUp() ? 'up' : 'down');
  return wrap(pubSub, topic, 'redis', state, async () => {
    await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
  });
}

function wrap(
  pubSub: PubSub<Topics>,
  topic: (c: ChannelName) => string,
  transport: EventBus['transport'],
  redisState: EventBus['redisState'],
  close: () => Promise<void>,
): EventBus {
  return {
    transport,
    redisState,
    publish: (channel, event) => pubSub.publish(topic(channel), event),
    subscribe: (channel) => pubSub.subscribe(topic(channel)) as never,
    close,
  };
}
