import type { ServerResponse } from 'node:http';
import { httpStatusOf, type ApiError } from '../../shared/errors';
import type { ResponseBody } from '../../shared/wire';

/** How the host's listener answers in JSON: the API and the blob endpoints alike. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function sendJson(res: ServerResponse, status: number, body: ResponseBody): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, error: ApiError): void {
  // After a refused oversized body, do not keep the connection (and its unread body) open.
  if (error.code === 'payload_too_large') res.setHeader('connection', 'close');
  sendJson(res, httpStatusOf(error.code), { ok: false, error });
}
