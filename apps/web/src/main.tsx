import "./styles.css";

import { PlatformProvider } from "@platform/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./app.js";
import { client, resumeSession, tokenStore } from "./session/platform-client.js";
import { startApp } from "./session/start-app.js";
import { StartFailed } from "./session/start-failed.js";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
const reactRoot = createRoot(root);

void startApp({
  resume: resumeSession,
  showApp() {
    reactRoot.render(
      <StrictMode>
        <PlatformProvider client={client} tokenStore={tokenStore}>
          <App />
        </PlatformProvider>
      </StrictMode>,
    );
  },
  showFailure(error, retry) {
    reactRoot.render(<StartFailed error={error} retry={retry} />);
  },
});
