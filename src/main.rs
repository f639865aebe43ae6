fn main() {
    // Panics are reported in the browser console with their message, not as "unreachable".
    console_error_panic_hook::set_once();
    portal::start();
}
