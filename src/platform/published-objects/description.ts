/**
 * What distinguishes the modules whose objects a party publishes (Locations, Tariffs): one row of
 * data per module, read by the shared Sender and Receiver handlers. Nothing here is per version
 * except `patchVersions`: the object types and id fields are the same in 2.1.1, 2.2.1 and 2.3.0.
 */
import type { OcpiVersion } from '../../protocol/index.js';
import type { ObjectModule } from '../../store/types.js';

/** One level of a module's object tree: the Location, its EVSEs, their Connectors. */
export interface ObjectLevel {
  /** Spec (and converter) name of the object. */
  type: 'Location' | 'EVSE' | 'Connector' | 'Tariff';
  /** The path parameter naming the object. */
  param: 'location_id' | 'evse_uid' | 'connector_id' | 'tariff_id';
  /** The object's own id field, which must equal the path parameter. */
  idField: 'id' | 'uid';
  /** The list in the parent object that holds this level (undefined for the top level). */
  listField?: 'evses' | 'connectors';
}

export interface ObjectModuleDescription {
  module: ObjectModule;
  /** The object at each path depth below the owner: [0] is the stored object. */
  levels: readonly ObjectLevel[];
  /**
   * OCPI status for "no such object" (GET, PATCH, PUT below a missing parent). Locations: 2003
   * Unknown Location (status codes chapter). Tariffs: the chapters name no code and 2003 would
   * name the wrong object, so 2000 (generic client error).
   */
  unknownStatus: number;
  /** The versions whose Receiver interface has PATCH (2.1.1 Tariffs still did; 2.2.1 dropped it). */
  patchVersions: readonly OcpiVersion[];
  /** Whether the Receiver interface has DELETE (Tariffs only: a Location is never deleted). */
  deletable: boolean;
  /** Whether the Sender interface serves single objects (Locations: GET {location_id}[/{evse_uid}[/{connector_id}]]). */
  senderObjects: boolean;
}

export const LOCATIONS: ObjectModuleDescription = {
  module: 'locations',
  levels: [
    { type: 'Location', param: 'location_id', idField: 'id' },
    { type: 'EVSE', param: 'evse_uid', idField: 'uid', listField: 'evses' },
    { type: 'Connector', param: 'connector_id', idField: 'id', listField: 'connectors' },
  ],
  unknownStatus: 2003,
  patchVersions: ['2.1.1', '2.2.1', '2.3.0'],
  deletable: false,
  senderObjects: true,
};

export const TARIFFS: ObjectModuleDescription = {
  module: 'tariffs',
  levels: [{ type: 'Tariff', param: 'tariff_id', idField: 'id' }],
  unknownStatus: 2000,
  patchVersions: ['2.1.1'],
  deletable: true,
  senderObjects: false,
};

export const OBJECT_MODULE_DESCRIPTIONS: Readonly<Record<ObjectModule, ObjectModuleDescription>> = {
  locations: LOCATIONS,
  tariffs: TARIFFS,
};
