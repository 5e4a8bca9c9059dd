// Client script of every page: how long an open incident has lasted, computed when the page is
// viewed and kept current (the static HTML holds absolute times only).
import { startRelativeTimes } from './relative-time.ts';

startRelativeTimes();
