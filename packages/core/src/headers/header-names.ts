// The header names live in the protocol module; re-exported here for the package's main entry.
export {
  BYPASS_DIRECTIVE_HEADER,
  CACHE_AGE_HEADER,
  CACHE_SIMILARITY_HEADER,
  CACHE_STATUS_HEADER,
  DEPS_HEADER,
  NAMESPACE_HINT_HEADER,
  TOKEN_HEADER,
} from '../protocol/header-names';
