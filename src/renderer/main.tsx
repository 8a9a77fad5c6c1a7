import './theme/tokens.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { LayoutStore } from './cockpit/cockpit-layout';
import { LayoutStoreContext } from './cockpit/use-layout';
import { HostStore } from './connection/host-store';
import { hostWsUrl } from './connection/host-ws-url';
import { HostStoreContext } from './connection/use-host';
import { goLogIn, readSessionKey } from './connection/session-key';
import { earlySocketHeard, type EarlySocket } from './connection/early-socket';
import { RouteStore } from './navigation/route-store';
import { RouteStoreContext } from './navigation/use-route-focus';
import { applyTheme, readTheme } from './theme/theme-preference';

/** The longest the first render waits for the host's greeting (it is usually there already). */
const GREETING_WAIT_MS = 50;

// The UI is always served by the host (in Electron as in a browser), so the host is this
// page's origin; the login hand-off left this page its session key (never the token).
const key = readSessionKey();
if (key === null) goLogIn();
// The first render waits a moment for the host's greeting on the socket the page opened, so
// it draws the cockpit connected once instead of connecting and then connected.
else void earlySocketHeard(globalThis as { groveEarlySocket?: EarlySocket }, GREETING_WAIT_MS).then(() => render(key));

function render(key: string): void {
  const store = new HostStore(hostWsUrl(window.location), key);
  store.start();
  const routes = new RouteStore();
  const layout = new LayoutStore(window.localStorage);
  applyTheme(readTheme(window.localStorage), document.documentElement, null);

  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <HostStoreContext.Provider value={store}>
        <RouteStoreContext.Provider value={routes}>
          <LayoutStoreContext.Provider value={layout}>
            <App />
          </LayoutStoreContext.Provider>
        </RouteStoreContext.Provider>
      </HostStoreContext.Provider>
    </StrictMode>,
  );
}
