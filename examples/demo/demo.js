// Wires the demo page's buttons to the Parley JavaScript API. The queue stub lets the buttons
// and listeners work before the loader script has arrived; the loader replays the queue.
(function () {
  'use strict';

  window.Parley =
    window.Parley ||
    function () {
      (window.Parley.q = window.Parley.q || []).push(arguments);
    };

  var DEMO_USER = {
    userId: 'demo-user-1',
    name: 'Ada Demo',
    email: 'ada@example.com',
    attributes: { plan: 'pro', seats: 5 },
  };

  var actions = {
    open: function () {
      Parley('open');
    },
    send: function () {
      Parley('send', 'Hello from the demo page!');
    },
    identify: function () {
      Parley('identify', DEMO_USER);
      log('Identified as ' + DEMO_USER.name + ' (unverified: no userHash on a public demo page)');
    },
    track: function () {
      Parley('track', 'demo_button_clicked', { button: 'track', at: new Date().toISOString() });
      log('Tracked event demo_button_clicked');
    },
  };

  function log(text) {
    var list = document.querySelector('.demo-log');
    if (!list) return;
    var item = document.createElement('li');
    item.textContent = new Date().toLocaleTimeString() + '  ' + text;
    list.appendChild(item);
  }

  function buttonOnClick(event) {
    var action = actions[event.currentTarget.getAttribute('data-demo')];
    if (action) action();
  }

  // The co-browse form never leaves the page: submitting only says so, without echoing what was typed.
  function checkoutOnSubmit(event) {
    event.preventDefault();
    var status = document.querySelector('.demo-status');
    if (status) status.textContent = 'Order placed (demo only: nothing was sent).';
    log('Demo order placed');
  }

  function documentOnReady() {
    var buttons = document.querySelectorAll('[data-demo]');
    for (var i = 0; i < buttons.length; i++) buttons[i].addEventListener('click', buttonOnClick);
    var checkout = document.getElementById('demo-checkout');
    if (checkout) checkout.addEventListener('submit', checkoutOnSubmit);
  }

  Parley('on', 'ready', function () {
    log('Widget ready');
  });
  Parley('on', 'open', function () {
    log('Chat opened');
  });
  Parley('on', 'close', function () {
    log('Chat closed');
  });
  Parley('on', 'message', function (message) {
    var who = { agent: 'Agent', visitor: 'You', system: 'Update' }[message && message.author] || 'Message';
    log(who + ': ' + (message && message.text));
  });
  Parley('on', 'unread', function (count) {
    log('Unread messages: ' + (typeof count === 'number' ? count : JSON.stringify(count)));
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', documentOnReady);
  else documentOnReady();
})();
