import { runServer } from '@gatehouse/service-kit';
import { resourceService } from './app.js';

await runServer({
  name: 'gatehouse-resource',
  register: async (app, options) => {
    await app.register(resourceService, options);
  },
});
