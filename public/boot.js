// Starts the portal. Trunk writes the hashed file names into this tag (Trunk.toml,
// pattern_script), so no inline script is needed and the Content-Security-Policy can forbid them.
const tag = document.querySelector('script[data-wasm]');
try {
  const { default: init } = await import(tag.dataset.js);
  await init({ module_or_path: tag.dataset.wasm });
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
