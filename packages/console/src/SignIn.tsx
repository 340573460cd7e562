/**
 * The sign-in form: email and password, posted to `/api/login`. On success the token is handed
 * up; on failure the reason shows under the form and focus returns to the first field.
 */
import { useRef, useState } from 'preact/hooks';
import type { LoginResult } from './api.js';
import { login as defaultLogin, LoginError, LOGIN_MESSAGES } from './api.js';

/** Props of `SignIn`. */
export interface SignInProps {
  onSignedIn(result: LoginResult): void;
  /** Why the agent is here again (session expired), shown above the form. */
  message?: string | null;
  /** Replaces the HTTP call in tests. */
  login?: typeof defaultLogin;
}

/** The console's sign-in screen. */
export function SignIn({ onSignedIn, message, login = defaultLogin }: SignInProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);

  const formOnSubmit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!email.trim() || !password) {
      setError('Enter your email and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await login(email.trim(), password);
      onSignedIn(result);
    } catch (err) {
      setError(err instanceof LoginError ? err.message : LOGIN_MESSAGES.server);
      setBusy(false);
      emailRef.current?.focus();
    }
  };

  return (
    <main class="pc-signin">
      <form class="pc-signin-card" onSubmit={formOnSubmit} aria-labelledby="pc-signin-title" noValidate>
        <div class="pc-brand pc-brand--large" aria-hidden="true">
          <span class="pc-brand-mark" />
          Parley
        </div>
        <h1 id="pc-signin-title">Sign in to the console</h1>
        {message && (
          <p class="pc-signin-message" role="status">
            {message}
          </p>
        )}
        <label class="pc-field">
          <span>Email</span>
          <input
            ref={emailRef}
            type="email"
            name="email"
            autocomplete="username"
            required
            autoFocus
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label class="pc-field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="pc-signin-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="pc-button pc-button--primary pc-button--block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
