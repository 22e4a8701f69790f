import { createContext, useContext } from 'react';

/** The request's CSP nonce, provided by entry.server.tsx; empty in the browser (browsers hide it anyway). */
export const NonceContext = createContext<string>('');
export const NonceProvider = NonceContext.Provider;
export function useNonce(): string {
  return useContext(NonceContext);
}
