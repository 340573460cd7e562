import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import { LoginError, type LoginResult } from './api.js';
import { SignIn } from './SignIn.js';
import { byRole, typeInto, useRenderRoot } from './test-support/dom.js';
import { ME } from './test-support/fixtures.js';

const root = useRenderRoot();


async function signIn(email: string, password: string): Promise<void> {
  await act(() => {
    typeInto(byRole(root(), 'textbox', 'Email') as HTMLInputElement, email);
    typeInto(byRole(root(), 'textbox', 'Password') as HTMLInputElement, password);
  });
  await act(async () => {
    byRole(root(), 'button', 'Sign in').click();
    await Promise.resolve();
  });
}

describe('SignIn', () => {
  it('offers Email and Password textboxes and a Sign in button', () => {
    render(<SignIn onSignedIn={() => undefined} />, root());
    expect((byRole(root(), 'textbox', 'Email') as HTMLInputElement).type).toBe('email');
    expect((byRole(root(), 'textbox', 'Password') as HTMLInputElement).type).toBe('password');
    expect(byRole(root(), 'button', 'Sign in')).toBeTruthy();
  });

  it('hands up the token of a successful sign-in', async () => {
    const results: LoginResult[] = [];
    const asked: string[] = [];
    const login = async (email: string, password: string) => {
      asked.push(`${email}:${password}`);
      return { token: 'tok.sig', agent: ME };
    };
    render(<SignIn onSignedIn={(r) => results.push(r)} login={login} />, root());
    await signIn(' me@example.com ', 'secret-pass');
    expect(asked).toEqual(['me@example.com:secret-pass']);
    expect(results).toEqual([{ token: 'tok.sig', agent: ME }]);
  });

  it('says why a sign-in failed', async () => {
    const login = async () => {
      throw new LoginError('invalid_credentials');
    };
    render(<SignIn onSignedIn={() => undefined} login={login} />, root());
    await signIn('me@example.com', 'wrong');
    await act(async () => undefined);
    expect(byRole(root(), 'alert').textContent).toBe('Wrong email or password.');
  });

  it('shows why the agent was signed out', () => {
    render(<SignIn onSignedIn={() => undefined} message="Your session has expired. Please sign in again." />, root());
    expect(byRole(root(), 'status').textContent).toContain('session has expired');
  });
});
