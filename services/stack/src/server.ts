import { runServer } from '@gatehouse/service-kit';
import { stackApp } from './app.js';

await runServer({
  name: 'gatehouse',
  register: async (app, options) => {
    await app.register(stackApp, options);
  },
});
