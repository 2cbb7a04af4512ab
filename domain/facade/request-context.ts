/** Who acted and through which request: every audit event a request causes carries it. */
export interface RequestContext {
  actorUserId?: number | null;
  actorEmail?: string | null;
  ip: string;
  userAgent: string;
  requestId: string;
  supportNotes?: string | null;
}
