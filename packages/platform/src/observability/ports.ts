import { inSpan, SpanKind } from './trace-context.js';

export interface TracedPortOptions<Port> {
  /** Who answers on the other side (`peer.service`): the provider, not the person the call is about. */
  readonly peerService: string;
  /**
   * The port's methods that call the external, each with the operation its span is named by (`sms send`,
   * `cards charge`). Unset: every method, by its own name. The others pass through untraced.
   */
  readonly operations?: Partial<Record<keyof Port & string, string>>;
}

/**
 * The port with each call to the external it stands for as a CLIENT span `<name> <operation>`, child of the
 * work that makes it, failed when the call throws. Only the port's name, the operation and the peer are
 * recorded: never the arguments, which are the personal data (numbers, names, card tokens) the call carries.
 */
export function tracedPort<Port extends object>(
  name: string,
  port: Port,
  options: TracedPortOptions<Port>,
): Port {
  const operationOf = (method: string): string | undefined =>
    options.operations ? options.operations[method as keyof Port & string] : method;
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(port, {
    get(target, property) {
      // The target as receiver: a class's private fields and getters work as unwrapped.
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const operation = operationOf(property);
      if (operation === undefined) return value.bind(target);
      if (!wrapped.has(property)) {
        const call = (...args: unknown[]) =>
          inSpan(
            `${name} ${operation}`,
            {
              kind: SpanKind.CLIENT,
              attributes: {
                'peer.service': options.peerService,
                'tessera.port': name,
                'tessera.port.operation': operation,
              },
            },
            async () => await Reflect.apply(value, target, args),
          );
        wrapped.set(property, call);
      }
      return wrapped.get(property);
    },
  });
}
