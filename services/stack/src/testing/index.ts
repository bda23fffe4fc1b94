// For other packages' end-to-end tests: the whole stack on a real port, and a scripted browser.
export { authorizeAsUser, type BrowserLoginResult, HttpBrowser, readInputs } from '../flow/http-browser.js';
export { type RunningStack, startTestStack } from '../running-stack.js';
export { DEMO, seedDemoData } from '../seed.js';
export { type Child, eventually, freePort, startProcess } from './processes.js';
