import type { ServerResponse } from 'node:http';
import {
  ANY_REQUEST,
  applyFailure,
  FailurePlan,
  type FailureSpec,
  type FakeHttpServer,
  flattenHeaders,
  readBody,
  sendJson,
  startHttpServer,
} from './fake-http';
import {
  ApiError,
  ERROR_TYPES,
  NAME,
  type StoredSchedule,
  groupOf,
  invalid,
  listSchedules,
  loadSchedules,
  parseScheduleBody,
  saveSchedules,
  toWire,
} from './scheduler-schedules';
import { type FireHandler, type FiringOptions, type SchedulerFiring, scheduleFiring } from './scheduler-firing';

export type { StoredSchedule, StoredTarget } from './scheduler-schedules';
export type { FireHandler, FiringOptions, SchedulerFiring } from './scheduler-firing';

/** The Scheduler operations the fake serves. */
export type SchedulerOperation =
  | 'CreateSchedule'
  | 'GetSchedule'
  | 'UpdateSchedule'
  | 'DeleteSchedule'
  | 'ListSchedules';

/** Options of {@link startFakeScheduler}. */
export interface FakeSchedulerOptions {
  /** @default `us-east-1` */
  readonly region?: string;
  /** @default `123456789012` */
  readonly accountId?: string;
  /** Schedule groups that exist besides `default`. @default any group exists */
  readonly groups?: readonly string[];
  /** Clock for creation and modification dates. @default the system clock */
  readonly now?: () => Date;
  /** Keep the schedules in this JSON file across restarts (loaded at start, written on every change). @default memory */
  readonly file?: string;
}

/** One HTTP request as the fake received it. */
export interface SchedulerApiRequest {
  readonly operation: SchedulerOperation | 'Unknown';
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: Date;
}

/** A running fake of EventBridge Scheduler's REST-JSON API. */
export interface FakeScheduler extends FakeHttpServer {
  /** Schedules by `${GroupName}/${Name}`. */
  readonly schedules: ReadonlyMap<string, StoredSchedule>;
  /** Every request in arrival order, failed ones included. */
  readonly requests: readonly SchedulerApiRequest[];
  /** Every target invocation, in order. */
  readonly firings: readonly SchedulerFiring[];
  /** Queues a failure for one operation, or for any when `operation` is omitted. */
  fail(spec: FailureSpec, operation?: SchedulerOperation): void;
  /** Drops every queued failure. */
  clearFailures(): void;
  /** Drops queued failures, recorded requests and firings, and every schedule. */
  reset(): void;
  /**
   * Fires every enabled `at(...)` schedule due at `now` that has not fired yet, once, then deletes those with
   * `ActionAfterCompletion: DELETE`; and every daily `cron(M H * * ? *)` schedule whose next run in its time zone
   * (after its creation, last update or last run) is due, once for the latest such run.
   * @param onFire - defaults to the handler given to {@link FakeScheduler.startFiring}
   * @returns the firings of this call
   */
  fireDue(now: Date, onFire?: FireHandler): Promise<SchedulerFiring[]>;
  /** Polls for due schedules in the background until {@link FakeScheduler.stopFiring} or `close()`. */
  startFiring(options: FiringOptions): void;
  /** Stops polling and waits for a poll in progress. */
  stopFiring(): Promise<void>;
}

/**
 * Starts a fake EventBridge Scheduler on 127.0.0.1 for `new SchedulerClient({ endpoint: fake.url })`:
 * CreateSchedule, GetSchedule, UpdateSchedule, DeleteSchedule and ListSchedules, with a clock that fires
 * one-time `at(...)` schedules and daily `cron(...)` ones in their time zone.
 */
export async function startFakeScheduler(options: FakeSchedulerOptions = {}): Promise<FakeScheduler> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const now = options.now ?? (() => new Date());
  const schedules = new Map<string, StoredSchedule>();
  const fired = new WeakSet<StoredSchedule>();
  const keyOf = (s: StoredSchedule): string => `${s.GroupName}/${s.Name}`;
  if (options.file) {
    const saved = loadSchedules(options.file);
    for (const s of saved.schedules) schedules.set(keyOf(s), s);
    for (const s of saved.schedules) if (saved.fired.includes(keyOf(s))) fired.add(s);
  }
  const save = (): void => {
    if (!options.file) return;
    const all = [...schedules.values()];
    saveSchedules(options.file, { schedules: all, fired: all.filter((s) => fired.has(s)).map(keyOf) });
  };
  const requests: SchedulerApiRequest[] = [];
  const firings: SchedulerFiring[] = [];
  const { fireDue, startFiring, stopFiring } = scheduleFiring({ schedules, fired, firings, keyOf, save });
  const plan = new FailurePlan<FailureSpec>();

  const locate = (name: string, group: string | undefined): { key: string; group: string } => {
    const groupName = group ?? 'default';
    if (!NAME.test(name)) throw invalid(name, 'name', `Member must satisfy regular expression pattern: ${NAME.source}`);
    if (!NAME.test(groupName))
      throw invalid(groupName, 'groupName', `Member must satisfy regular expression pattern: ${NAME.source}`);
    if (options.groups && groupName !== 'default' && !options.groups.includes(groupName)) {
      throw new ApiError(404, 'ResourceNotFoundException', `Schedule group ${groupName} does not exist.`);
    }
    return { key: `${groupName}/${name}`, group: groupName };
  };
  const existing = (key: string, name: string): StoredSchedule => {
    const schedule = schedules.get(key);
    if (!schedule) throw new ApiError(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
    return schedule;
  };

  const operations = {
    CreateSchedule: (name: string, body: unknown) => {
      const { key, group } = locate(name, groupOf(body));
      const fields = parseScheduleBody(name, body);
      if (schedules.has(key)) throw new ApiError(409, 'ConflictException', `Schedule ${name} already exists.`);
      const at = now();
      const Arn = `arn:aws:scheduler:${region}:${accountId}:schedule/${group}/${name}`;
      schedules.set(key, { ...fields, Arn, GroupName: group, CreationDate: at, LastModificationDate: at });
      return { ScheduleArn: Arn };
    },
    UpdateSchedule: (name: string, body: unknown) => {
      const { key } = locate(name, groupOf(body));
      const fields = parseScheduleBody(name, body);
      const previous = existing(key, name);
      const { Arn, GroupName, CreationDate } = previous;
      schedules.set(key, { ...fields, Arn, GroupName, CreationDate, LastModificationDate: now() });
      return { ScheduleArn: previous.Arn };
    },
    GetSchedule: (name: string, _body: unknown, query: URLSearchParams) =>
      toWire(existing(locate(name, query.get('groupName') ?? undefined).key, name)),
    DeleteSchedule: (name: string, _body: unknown, query: URLSearchParams) => {
      const { key } = locate(name, query.get('groupName') ?? undefined);
      existing(key, name);
      schedules.delete(key);
      return {};
    },
    ListSchedules: (_name: string, _body: unknown, query: URLSearchParams) =>
      listSchedules([...schedules.values()], query),
  } satisfies Record<SchedulerOperation, (name: string, body: unknown, query: URLSearchParams) => unknown>;

  const route = (method: string, path: string): { operation: SchedulerOperation | 'Unknown'; name: string } => {
    if (path === '/schedules' && method === 'GET') return { operation: 'ListSchedules', name: '' };
    const match = /^\/schedules\/([^/]+)$/.exec(path);
    const byMethod: Record<string, SchedulerOperation> = {
      POST: 'CreateSchedule',
      GET: 'GetSchedule',
      PUT: 'UpdateSchedule',
      DELETE: 'DeleteSchedule',
    };
    const operation = match ? byMethod[method] : undefined;
    return operation && match ? { operation, name: decodeURIComponent(match[1]) } : { operation: 'Unknown', name: '' };
  };

  const sendError = (res: ServerResponse, error: ApiError): void =>
    sendJson(res, error.status, { Message: error.message }, { 'x-amzn-errortype': error.type });

  const server = await startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = undefined;
    }
    const { operation, name } = route(req.method ?? '', url.pathname);
    requests.push({
      operation,
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: body ?? text,
      headers: flattenHeaders(req.headers),
      receivedAt: new Date(),
    });
    const failure = plan.take(operation);
    if (failure) {
      return applyFailure(res, failure, (status) => {
        const type = ERROR_TYPES[status] ?? 'InternalServerException';
        return { body: { Message: `Injected ${type}` }, headers: { 'x-amzn-errortype': type } };
      });
    }
    if (operation === 'Unknown') {
      return sendError(
        res,
        new ApiError(404, 'UnknownOperationException', `No operation at ${req.method} ${url.pathname}`),
      );
    }
    if (body === undefined)
      return sendError(res, new ApiError(400, 'SerializationException', 'Request body is not valid JSON'));
    try {
      const answer = operations[operation](name, body, url.searchParams);
      if (operation !== 'GetSchedule' && operation !== 'ListSchedules') save();
      sendJson(res, 200, answer);
    } catch (error) {
      if (error instanceof ApiError) return sendError(res, error);
      throw error;
    }
  });

  return {
    ...server,
    schedules,
    requests,
    firings,
    fail: (spec, operation) => plan.add(operation ?? ANY_REQUEST, spec),
    clearFailures: () => plan.clear(),
    reset: () => {
      plan.clear();
      requests.length = 0;
      firings.length = 0;
      schedules.clear();
      save();
    },
    fireDue,
    startFiring,
    stopFiring,
    close: async () => {
      await stopFiring();
      await server.close();
    },
  };
}
