import { runServer } from '@gatehouse/service-kit';
import { authorizeService } from './app.js';

await runServer({
  name: 'gatehouse-authorize',
  register: async (app, options) => {
    await app.register(authorizeService, options);
  },
});
