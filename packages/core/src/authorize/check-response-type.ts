import { InvalidRequestError, UnsupportedResponseTypeError } from '../errors.js';
import type { RawAuthorizationRequest } from './parameters.js';

/** Step 3: only the authorization code flow (`response_type=code`). */
export function checkResponseType(raw: RawAuthorizationRequest): 'code' {
  const responseType = raw.params.response_type;
  if (responseType === undefined) throw new InvalidRequestError('the request has no response_type');
  if (responseType !== 'code') throw new UnsupportedResponseTypeError('only response_type=code is supported');
  return responseType;
}
