import { runServer } from '@gatehouse/service-kit';
import { tokenService } from './app.js';

await runServer({
  name: 'gatehouse-token',
  register: async (app, options) => {
    await app.register(tokenService, options);
  },
});
