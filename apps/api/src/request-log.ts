// Request logging at a cost every request can pay: one line per request, at info, when it
// completes — reqId (the logger's binding), method, url, statusCode, responseTime — instead of
// Fastify's two (one on arrival, one on completion). At LOG_LEVEL=debug the arrival line is there
// too, for whoever chases a request that never completes.
//
// The url is logged without its query string: a GET's tRPC input travels there (ids, emails,
// filters), and logs are kept longer and read by more people than the data they describe.
//
// Errors keep lines of their own: a procedure's failures are logged by server.ts's onError
// (SERVICE_UNAVAILABLE at warn, INTERNAL_SERVER_ERROR at error, with the reqId); an error Fastify
// answers itself with a 5xx at error; its 4xx (a route that does not exist, a body it refuses) are
// the client's business and already on the request's line, so they go to debug.
import { type FastifyReply, type FastifyRequest, LogController } from "fastify";

/** A URL's path, without the query string. */
export function pathOf(url: string): string {
  const queryStart = url.indexOf("?");
  return queryStart === -1 ? url : url.slice(0, queryStart);
}

const requestFields = (request: FastifyRequest) => ({ method: request.method, url: pathOf(request.url) });

export class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug(requestFields(request), "incoming request");
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { ...requestFields(request), statusCode: reply.statusCode, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...fields, err: error }, "request errored");
    else reply.log.info(fields, "request completed");
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { ...requestFields(request), statusCode: reply.statusCode, err: error };
    if (reply.statusCode >= 500) reply.log.error(fields, error.message);
    else reply.log.debug(fields, error.message);
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.debug(requestFields(request), "route not found");
  }
}
