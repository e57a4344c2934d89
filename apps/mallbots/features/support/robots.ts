import { type CallOptions, type Client, Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import {
  type Instruction,
  ItemOutcome,
  type Recall,
  type Return,
  RobotService,
  type Shop,
  type Wait,
} from '../../src/depot/contract/gen/mallbots/depot/v1/robots_pb.js';

interface Instructions {
  wait: Wait;
  shop: Shop;
  return: Return;
  recall: Recall;
}
export type InstructionKind = keyof Instructions;
export type Outcome = 'picked' | 'unavailable';

const OUTCOMES: Record<Outcome, ItemOutcome> = {
  picked: ItemOutcome.PICKED,
  unavailable: ItemOutcome.UNAVAILABLE,
};

/** One HTTP/2 connection to the robot API for the whole run, closed when the run ends. */
export interface RobotApi {
  readonly client: Client<typeof RobotService>;
  close(): void;
}

export function robotApi(rpcUrl: string): RobotApi {
  const sessionManager = new Http2SessionManager(rpcUrl);
  const transport = createGrpcTransport({ baseUrl: rpcUrl, sessionManager });
  return { client: createClient(RobotService, transport), close: () => sessionManager.abort() };
}

/**
 * A robot as the features play it: it holds its instruction stream open and remembers every instruction the
 * depot sent on it, in order; its reports answer with the next instruction too. Every call presents its own
 * credential (`token`), unless it has none.
 */
export class Robot {
  /** Every instruction received, oldest first: from the streams and from the answers to reports. */
  readonly received: Instruction[] = [];
  /** The open stream (one per connection), and why the last one ended. */
  private stream?: AbortController;
  private ended?: Error;
  private wake = () => {};

  constructor(
    readonly id: string,
    readonly name: string,
    private readonly api: RobotApi,
    private readonly token: (() => Promise<string>) | undefined,
  ) {}

  /** The call options that present its credential. */
  private async credential(): Promise<CallOptions> {
    return this.token ? { headers: { authorization: `Bearer ${await this.token()}` } } : {};
  }

  /** Opens a stream (again, after a disconnection) and waits for its first instruction. */
  connect(): Promise<Instruction> {
    return retried(() => this.open());
  }

  private async open(): Promise<Instruction> {
    const stream = new AbortController();
    this.stream = stream;
    this.ended = undefined;
    const before = this.received.length;
    const responses = this.api.client.connect(
      { botId: this.id, name: this.name },
      { signal: stream.signal, ...(await this.credential()) },
    );
    void (async () => {
      let ended: Error;
      try {
        for await (const { instruction } of responses) if (instruction) this.receive(instruction);
        ended = new Error(`the depot closed the stream of ${this.name}`);
      } catch (error) {
        ended =
          error instanceof ConnectError && error.code === Code.Canceled && stream.signal.aborted
            ? new Error(`${this.name} disconnected`)
            : (error as Error);
      }
      if (this.stream === stream) this.ended = ended;
      this.wake();
    })();
    return this.until('its first instruction', () => this.received[before]);
  }

  disconnect(): void {
    this.stream?.abort();
  }

  /** Tries to open a stream as another bot (with its own credential): resolves if the depot let it. */
  async connectAs(botId: string): Promise<void> {
    const attempt = new AbortController();
    try {
      for await (const _first of this.api.client.connect(
        { botId, name: this.name },
        { signal: attempt.signal, ...(await this.credential()) },
      ))
        break;
    } finally {
      attempt.abort();
    }
  }

  /** Reports an item of another bot's list as that bot (with its own credential). */
  async reportItemAs(
    botId: string,
    shoppingListId: string,
    storeId: string,
    productId: string,
    outcome: Outcome,
  ) {
    await this.api.client.reportItem(
      { botId, shoppingListId, storeId, productId, outcome: OUTCOMES[outcome] },
      await this.credential(),
    );
  }

  get latest(): Instruction | undefined {
    return this.received.at(-1);
  }

  /** Waits (bounded) until the latest instruction is of this kind, and answers it. */
  async instructed<K extends InstructionKind>(kind: K, timeoutMs = 15_000): Promise<Instructions[K]> {
    const instruction = await this.until(
      `a "${kind}" instruction`,
      () => (this.latest?.kind.case === kind ? this.latest : undefined),
      timeoutMs,
    );
    return instruction.kind.value as Instructions[K];
  }

  async reportItem(shoppingListId: string, storeId: string, productId: string, outcome: Outcome) {
    const { instruction } = await retried(async () =>
      this.api.client.reportItem(
        { botId: this.id, shoppingListId, storeId, productId, outcome: OUTCOMES[outcome] },
        await this.credential(),
      ),
    );
    if (instruction) this.receive(instruction);
  }

  async reportReturned(shoppingListId: string) {
    const { instruction } = await retried(async () =>
      this.api.client.reportReturned({ botId: this.id, shoppingListId }, await this.credential()),
    );
    if (instruction) this.receive(instruction);
  }

  private receive(instruction: Instruction) {
    this.received.push(instruction);
    this.wake();
  }

  private until<T>(what: string, found: () => T | undefined, timeoutMs = 15_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = () => {};
        reject(new Error(`${this.name} waited in vain for ${what}; it received ${describe(this.received)}`));
      }, timeoutMs);
      this.wake = () => {
        const value = found();
        if (value !== undefined) {
          clearTimeout(timer);
          this.wake = () => {};
          resolve(value);
        } else if (this.ended !== undefined) {
          clearTimeout(timer);
          this.wake = () => {};
          reject(this.ended);
        }
      };
      this.wake();
    });
  }
}

/**
 * A call that met a concurrent change of the bot (a report racing its reconnection, a connection racing the
 * end of the previous stream) is ABORTED, "try again": the robot API's contract for a conflict, and what a
 * robot does.
 */
async function retried<T>(call: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ConnectError) || error.code !== Code.Aborted || attempt === attempts)
        throw error;
    }
  }
}

const describe = (instructions: Instruction[]) =>
  instructions.length === 0 ? 'nothing' : instructions.map((instruction) => instruction.kind.case).join(', ');
