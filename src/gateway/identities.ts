/** The sandbox's users and projects, looked up by the IAM token issuer and the AK/SK checker. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Identity, ProjectRef } from '../config.js';

/** Stable 32-hex ids derived from names, so the same config always yields the same ids. */
export function stableId(kind: string, name: string): string {
  return createHash('sha256').update(`${kind}:${name}`).digest('hex').slice(0, 32);
}

export interface ProjectScope {
  id?: string;
  name?: string;
}

export interface Authenticated {
  identity: Identity;
  project: ProjectRef;
}

export class IdentityDirectory {
  constructor(private readonly identities: readonly Identity[]) {}

  /**
   * The identity whose domain, user and password all match, or undefined. The password is compared in constant
   * time (through fixed-length digests, so neither its content nor its length leaks), and always once: an unknown
   * user costs the same as a wrong password.
   */
  authenticate(domain: string, user: string, password: string): Identity | undefined {
    const identity = this.identities.find((i) => i.domain === domain && i.user === user);
    const given = createHash('sha256').update(password).digest();
    const expected = createHash('sha256')
      .update(identity?.password ?? '')
      .digest();
    return timingSafeEqual(given, expected) && identity !== undefined ? identity : undefined;
  }

  /** Whether `user` of `domain` still exists and still belongs to the project (tokens name all three). */
  hasMember(domain: string, user: string, projectId: string): boolean {
    return this.identities.some((i) => i.domain === domain && i.user === user && i.projects.some((p) => p.id === projectId));
  }

  /** The identity's project chosen by id or name, or undefined when it has no such project. */
  project(identity: Identity, scope: ProjectScope): ProjectRef | undefined {
    return identity.projects.find((p) => (scope.id !== undefined ? p.id === scope.id : p.name === scope.name));
  }

  /** Every project a domain owns (AK/SK pairs belong to a domain). */
  projectsOfDomain(domain: string): ProjectRef[] {
    return this.identities.filter((i) => i.domain === domain).flatMap((i) => i.projects);
  }
}
