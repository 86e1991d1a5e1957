// What every handler gets: the services it calls and a way to emit events to the caller's client(s).
import type { Store } from '../../store/index';
import type { DatasetService } from '../../data/dataset-service';
import type { RunService } from '../../training/run-service';
import type { AppInfo, EventName, EventPayload } from '../contract';

export interface ApiServices {
  store: Store;
  datasets: DatasetService;
  runs: RunService;
  mode: AppInfo['mode'];
}

export interface CallContext extends ApiServices {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}
