//! Entry point of the web app: mount [`kai_arena::App`] into the page.

fn main() {
    console_error_panic_hook::set_once();
    kai_arena::mount();
}
