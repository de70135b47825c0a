export { logsService } from './service.js';
export {
  EVENT_OVERHEAD_BYTES,
  LogsState,
  MAX_EVENTS_PER_PUT,
  MAX_PUT_BYTES,
  type InputLogEvent,
  type RejectedLogEventsInfo,
  type StoredLogEvent,
} from './state.js';
