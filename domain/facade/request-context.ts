/** Who acted and through which request: every audit event a request causes carries it. */
export interface RequestContext {
  /** The acting user's public id (a key of another table would not mean anything outside this database). */
  actorUserPublicId?: string | null;
  actorEmail?: string | null;
  ip: string;
  userAgent: string;
  requestId: string;
  supportNotes?: string | null;
}
