//! Helpers shared by the portal's browser tests (`tests/portal_*.rs`).

use leptos::{prelude::set_timeout, task::tick};
use std::{
    cell::{Cell, RefCell},
    future::Future,
    pin::Pin,
    rc::Rc,
    task::{Context, Poll, Waker},
    time::Duration,
};

/// Resolves after `ms` milliseconds of real time, so the browser can run timers, network
/// answers and animation frames in between (`tick` alone only drains the task queue).
pub fn sleep(ms: u64) -> impl Future<Output = ()> {
    struct Sleep(Rc<(Cell<bool>, RefCell<Option<Waker>>)>);
    impl Future for Sleep {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 .0.get() {
                return Poll::Ready(());
            }
            *self.0 .1.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }
    }
    let state = Rc::new((Cell::new(false), RefCell::new(None::<Waker>)));
    let timer = state.clone();
    set_timeout(
        move || {
            timer.0.set(true);
            if let Some(waker) = timer.1.borrow_mut().take() {
                waker.wake();
            }
        },
        Duration::from_millis(ms),
    );
    Sleep(state)
}

/// Whether `done` comes to hold within 5 s, letting the app render in between.
pub async fn eventually(done: impl Fn() -> bool) -> bool {
    for _ in 0..250 {
        tick().await;
        if done() {
            return true;
        }
        sleep(20).await;
    }
    false
}
