// kibble's only script: small enhancements; every page works without it.
'use strict';
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-copy]') : null;
  if (!button) return;
  const source = document.getElementById(button.getAttribute('data-copy') || '');
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.value || source.textContent || '').then(() => {
    // The page gives the word in its language (data-copied); English if it does not.
    button.textContent = button.getAttribute('data-copied') || 'Copied';
  }, () => undefined);
});
document.addEventListener('submit', (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.getAttribute('data-confirm') : null;
  if (question && !window.confirm(question)) event.preventDefault();
});

// The operator's month page follows the batch as it is signed, sent and confirmed: it polls the
// page's JSON twin (data-live-url) and updates the state and each transaction's cells in place.
// Without JavaScript the page is the same, with its Refresh link.
(() => {
  const live = document.getElementById('settlement-live');
  const url = live ? live.getAttribute('data-live-url') : null;
  if (!live || !url || !window.fetch) return;
  const POLL_MS = 2000;
  const note = document.getElementById('live-note');
  const setText = (element, text) => {
    if (element && element.textContent !== text) element.textContent = text;
  };
  const cell = (kind, txid) => Array.from(document.getElementsByClassName(kind)).find((element) => element.getAttribute('data-txid') === txid);
  let shownTxids = (live.getAttribute('data-txids') || '').split(' ').filter(Boolean).sort().join(' ');
  let state = live.getAttribute('data-state');
  // The notes in the page's language (data-now, data-changed, data-stopped on #live-note).
  const said = (name, status) => ((note && note.getAttribute(`data-${name}`)) || '')
    .replace('{state}', status ? status.stateName || status.state : '')
    .replace('{time}', new Date().toLocaleTimeString(document.documentElement.lang || undefined));

  const apply = (status) => {
    if (status.state !== state) {
      state = status.state;
      live.setAttribute('data-state', state);
      setText(note, said('now', status));
    }
    setText(document.getElementById('settlement-state'), status.stateName || status.state);
    setText(document.getElementById('settlement-state-words'), status.stateWords);
    for (const tx of status.transactions) {
      const stateCell = cell('tx-state', tx.txid);
      setText(stateCell, tx.stateName || tx.state);
      if (stateCell && tx.stateWords) stateCell.setAttribute('title', tx.stateWords);
      setText(cell('tx-confirmations', tx.txid), String(tx.confirmations));
      setText(cell('tx-height', tx.txid), tx.blockHeight === null ? '–' : String(tx.blockHeight));
    }
    const txids = status.transactions.map((tx) => tx.txid).sort().join(' ');
    if (txids !== shownTxids) {
      shownTxids = txids;
      setText(note, said('changed', status));
    }
  };

  const poll = () => {
    window.fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
      .then((status) => {
        apply(status);
        // A confirmed month does not change any more.
        if (status.state !== 'confirmed') window.setTimeout(poll, POLL_MS);
      })
      .catch(() => setText(note, said('stopped')));
  };
  if (state !== 'confirmed') window.setTimeout(poll, POLL_MS);
})();
