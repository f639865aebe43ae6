// Starts the portal. Trunk writes the hashed file names into this tag (Trunk.toml,
// pattern_script), so no inline script is needed and the Content-Security-Policy can forbid them.
const tag = document.querySelector('script[data-wasm]');
// Opened at a page loaded on demand (src/pages/mod.rs, `OnDemand`), the portal needs that module
// too: fetch it now, alongside the main module, not once the main module has started and asks.
// The loader's own fetch then takes this response (a preload with the same mode).
if (tag.dataset.pages && /^\/(practices|overview|link|patients)(\/|$)/.test(location.pathname)) {
  const preload = Object.assign(document.createElement('link'), { rel: 'preload', as: 'fetch', href: tag.dataset.pages });
  preload.crossOrigin = 'anonymous';
  document.head.append(preload);
}
try {
  const { default: init } = await import(tag.dataset.js);
  await init({ module_or_path: tag.dataset.wasm });
  // The service worker (sw.js) keeps the app shell so the next visit opens without the network.
  // Registered once the page has loaded, so it never competes with the first load; browsers offer
  // service workers only on https and localhost.
  if ('serviceWorker' in navigator) {
    const register = () =>
      navigator.serviceWorker
        .register(new URL('sw.js', tag.src))
        .catch((error) => console.warn('The portal could not install its offline copy:', error));
    if (document.readyState === 'complete') register();
    else addEventListener('load', register, { once: true });
  }
} catch (error) {
  // Still on the loading shell: say so instead of "Loading…" forever.
  const status = document.querySelector('#app .loading');
  if (status) {
    const es = document.createElement('span');
    es.lang = 'es';
    es.textContent = 'No se pudo abrir el portal. Revise su conexión y vuelva a cargar la página.';
    status.replaceChildren('The portal could not open. Check your connection and reload the page. ', es);
  }
  throw error;
}
