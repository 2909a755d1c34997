//! Entry point of the operators' app (`admin.html`): mount [`kai_arena::AdminApp`].

fn main() {
    console_error_panic_hook::set_once();
    kai_arena::mount_admin();
}
