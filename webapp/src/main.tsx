import { render } from "preact";
import { ChatClient } from "./chat";
import { App } from "./components/App";
import { ClientContext } from "./context";
import { locale } from "./i18n";
import { loadSession } from "./session";
import "./styles.css";

document.documentElement.lang = locale;
const client = new ChatClient(loadSession());
client.start();
render(
  <ClientContext.Provider value={client}>
    <App />
  </ClientContext.Provider>,
  document.getElementById("app")!,
);
