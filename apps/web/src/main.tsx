import "./styles.css";

import { PlatformProvider } from "@platform/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./app.js";
import { client, resumeSession, tokenStore } from "./session/platform-client.js";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
const reactRoot = createRoot(root);

resumeSession().then(
  () => {
    reactRoot.render(
      <StrictMode>
        <PlatformProvider client={client} tokenStore={tokenStore}>
          <App />
        </PlatformProvider>
      </StrictMode>,
    );
  },
  (error: unknown) => {
    reactRoot.render(
      <main className="auth-main">
        <p role="alert">The app could not start: {error instanceof Error ? error.message : String(error)}</p>
      </main>,
    );
  },
);
