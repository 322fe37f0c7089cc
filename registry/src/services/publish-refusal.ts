import type { PublishRefusal } from '../db/store.ts';
import { RegistryError } from '../errors.ts';

/** The error a publish refused by the store answers with. */
export function publishRefusalError(r: PublishRefusal, name: string, version: string): RegistryError {
  switch (r.refused) {
    case 'VERSION_EXISTS':
      return new RegistryError(
        'VERSION_EXISTS',
        `${name}@${version} was already published; a version is never replaced or reused, so publish a new one`,
      );
    case 'PUBLISH_IN_PROGRESS':
      return new RegistryError('VERSION_EXISTS', `${name}@${version} is being published by another request`);
    case 'NAME_CONFUSABLE':
      return new RegistryError(
        'NAME_CONFUSABLE',
        `"${name}" is too close to the existing bundle "${r.existing}" (names are compared ignoring case, "-", "_" and ".")`,
      );
    case 'SCOPE_OWNED':
      return new RegistryError('FORBIDDEN', `the scope @${r.scope} belongs to other users`);
    case 'SCOPE_RESERVED':
      return new RegistryError(
        'FORBIDDEN',
        `the scope @${r.scope} is reserved: it is, starts or ends with, or looks like a name that would pass for the registry's own`,
      );
    case 'SCOPE_CONFUSABLE':
      return new RegistryError(
        'NAME_CONFUSABLE',
        `the scope @${r.scope} looks like the existing scope @${r.existing} (scopes are compared ignoring case, "-", "_", "." and look-alike characters such as 1/l/i, 0/o, rn/m)`,
      );
    case 'NOT_OWNER':
      return new RegistryError('FORBIDDEN', `you are not an owner of ${name}`);
    case 'CLAIM_LOST':
      return new RegistryError(
        'CONFLICT',
        `another request took over publishing ${name}@${version}; try again`,
      );
  }
}
