//! Entry point of the light battle app (`battle.html`): mount [`kai_arena::BattleApp`].

fn main() {
    console_error_panic_hook::set_once();
    kai_arena::mount_battle();
}
