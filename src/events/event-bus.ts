import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Repeater, SlidingBuffer } from '@repeaterjs/repeater';
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
// Each subscription has a buffer of its own: createPubSub's `repeaterBuffer` is one instance
// shared by every subscription, so a busy subscriber's backlog was taken by the others
// (duplicates for them, losses for it, and events of one channel reaching another's).
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
    const eventTarget = new EventTarget();
    const pubSub = createPubSub<Topics>({ eventTarget: eventTarget as never });
    return wrap(pubSub, eventTarget, topic, 'in-process', () => 'off', async () => {});
  }

  const publisher = await connectRedis(options.redisUrl, 'events publisher', options.logger);
  const subscriber = await connectRedis(options.redisUrl, 'events subscriber', options.logger).catch(async (err) => {
    await publisher.client.quit().catch(() => {});
    throw err;
  });
  const publishClient = publisher.client;
  const subscribeClient = subscriber.client;
  const eventTarget = createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient });
  const pubSub = createPubSub<Topics>({ eventTarget: eventTarget as never });
  const state = () => (publisher.isUp() && subscriber.isUp() ? 'up' : 'down');
  return wrap(pubSub, eventTarget, topic, 'redis', state, async () => {
    await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
  });
}

/** The part of an EventTarget a subscription uses (the DOM one in-process, Redis' otherwise). */
interface Listenable {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

function wrap(
  pubSub: PubSub<Topics>,
  target: Listenable,
  topic: (c: ChannelName) => string,
  transport: EventBus['transport'],
  redisState: EventBus['redisState'],
  close: () => Promise<void>,
): EventBus {
  return {
    transport,
    redisState,
    publish: (channel, event) => pubSub.publish(topic(channel), event),
    subscribe: (channel) =>
      new Repeater<never>((push, stop) => {
        const listener = (event: Event) => void push((event as CustomEvent).detail as never);
        target.addEventListener(topic(channel), listener);
        void stop.then(() => target.removeEventListener(topic(channel), listener));
      }, new SlidingBuffer(SUBSCRIBER_BUFFER)),
    close,
  };
}
