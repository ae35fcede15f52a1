// The one place tests find the real tmux plugins (sources and override: scripts/plugins.ts).
// Imported only by what runs real tmux, so unit tests run without the plugins.
import { HOW_TO_GET, pluginsDir } from '../scripts/plugins.js';

function requirePlugins(): string {
  const dir = pluginsDir();
  if (!dir) throw new Error(HOW_TO_GET);
  return dir;
}

export const VENDOR_PLUGINS = requirePlugins();
