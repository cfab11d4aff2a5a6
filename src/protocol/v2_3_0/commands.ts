/** OCPI 2.3.0, chapter "Commands": remote commands to a Charge Point and their asynchronous result. */
import type { Static } from '@sinclair/typebox';
import { DerivedClass, enumValues, OcpiOpenEnum } from '../common/primitives.js';
import * as v2_2_1 from '../v2_2_1/commands.js';
import { Token } from './tokens.js';

// Unchanged since 2.2.1.
export {
  CancelReservation,
  CommandResponse,
  CommandResponseType,
  CommandResult,
  CommandResultType,
  StopSession,
  UnlockConnector,
} from '../v2_2_1/commands.js';

/** 2.3.0: becomes an OpenEnum (same known values). */
export const CommandType = OcpiOpenEnum('CommandType', enumValues(v2_2_1.CommandType));
export type CommandType = Static<typeof CommandType>;

/** 2.3.0: token is the 2.3.0 Token. */
export const ReserveNow = DerivedClass('ReserveNow', v2_2_1.ReserveNow, { token: Token });
export type ReserveNow = Static<typeof ReserveNow>;

/** 2.3.0: token is the 2.3.0 Token. */
export const StartSession = DerivedClass('StartSession', v2_2_1.StartSession, { token: Token });
export type StartSession = Static<typeof StartSession>;
