/**
 * Passes through the events a subscriber asked for. Closing the subscription (client
 * unsubscribes or disconnects) closes the source, so nothing keeps listening.
 */
export function filterEvents<T>(source: AsyncIterableIterator<T>, keep: (event: T) => boolean): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done || keep(result.value)) return result;
      }
    },
    return(value?: unknown) {
      return source.return ? source.return(value) : Promise.resolve({ done: true, value: undefined as never });
    },
    throw(err?: unknown) {
      return source.throw ? source.throw(err) : Promise.reject(err);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
