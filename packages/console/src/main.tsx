/**
 * Entry of the console bundle (`/console/console.js`): adopts the stylesheet and renders the
 * app into `#app` of the page the relay serves.
 */
import { render } from 'preact';
import { App } from './App.js';
import { adoptStyles } from './styles.js';

adoptStyles(document);
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
render(<App />, root);
