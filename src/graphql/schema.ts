import { builder } from './builder.js';
import './types/scalars.js';
import './types/station.js';
import './types/user.js';
import './types/id-token.js';
import './types/session.js';

export const schema = builder.toSchema({ sortSchema: false });
