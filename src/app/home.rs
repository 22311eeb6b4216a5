//! The home screen's keys (the VPC list, its filter, the detail pane; the no-access screen takes
//! them too), read from `keymap::home`.

use crossterm::event::{Event as TermEvent, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::keymap::home::{Action, State, TABLE};
use super::keymap::{self};
use super::wizard::Wizard;
use super::{Cmd, Model, Overlay, Phase, SourceState};
use crate::discovery::Source;

pub(super) fn on_key(model: &mut Model, key: KeyEvent) -> Vec<Cmd> {
    let state = State::of(model);
    let Some(action) = keymap::action(TABLE, state, &key) else {
        // Typing the filter: every other key is typed into it.
        if state.filtering {
            if model
                .filter
                .handle_event(&TermEvent::Key(key))
                .is_some_and(|c| c.value)
            {
                model.refilter_within(model.work_budget);
            }
            model.dirty = true;
        }
        return vec![];
    };
    // The key acts on the list of what was typed.
    model.finish_filter();
    model.dirty = true;
    let page = model.page_rows.max(1) as isize;
    match action {
        Action::StartWizard => return start_wizard(model),
        Action::SetupsTab => model.home_tab = super::HomeTab::Setups,
        Action::Quit => model.quit = true,
        Action::Help => model.overlay = Some(Overlay::Help),
        Action::Back => {
            if !model.filter.value().is_empty() {
                model.filter.reset();
                model.refilter();
            }
        }
        Action::Up => model.move_selection(-1),
        Action::Down => model.move_selection(1),
        Action::PageUp => model.move_selection(-page),
        Action::PageDown => model.move_selection(page),
        Action::Top => model.move_selection(-(model.visible.len() as isize)),
        Action::Bottom => model.move_selection(model.visible.len() as isize),
        Action::DetailDown => model.detail_scroll.by(3),
        Action::DetailUp => model.detail_scroll.by(-3),
        Action::Filter => {
            if model.phase == Phase::Ready {
                model.filter_editing = true;
            }
        }
        Action::FilterKeep => model.filter_editing = false,
        Action::FilterClear => {
            model.filter_editing = false;
            model.filter.reset();
            model.refilter();
        }
        Action::Refresh => {
            return match model.phase {
                Phase::Ready => model.start_discovery(),
                _ => {
                    model.phase = Phase::Connecting;
                    vec![Cmd::Connect]
                }
            };
        }
        Action::CopyId => {
            if let Some(v) = model.selected_vpc() {
                let id = v.id.clone();
                model.flash = Some(format!("copied {id} to the clipboard"));
                return vec![Cmd::Copy(id)];
            }
        }
    }
    vec![]
}

/// Enter on a VPC: the wizard starts at step 2 with that VPC — once its subnets, the endpoints
/// and its DNS attributes are read. While discovery still reads every VPC's attributes (a large
/// account), this one's are read at once and the wizard starts when they are.
fn start_wizard(model: &mut Model) -> Vec<Cmd> {
    let Some(vpc) = model.selected_vpc() else {
        return vec![];
    };
    let (id, attributes_known) = (
        vpc.id.clone(),
        vpc.dns_support.is_some() && vpc.dns_hostnames.is_some(),
    );
    if !wizard_can_start(model) {
        model.flash = Some("wait until VPCs, subnets and endpoints are read".to_string());
        return vec![];
    }
    let vpcs_read = matches!(model.source(Source::Vpcs), SourceState::Loaded { .. });
    if !vpcs_read && !attributes_known {
        model.flash = Some(format!("reading the DNS attributes of {id}…"));
        model.starting = Some(id.clone());
        return vec![Cmd::ReadVpcAttributes { vpc: id }];
    }
    // The list keeps this VPC under the cursor when it is read again (after an apply).
    model.chosen_vpc = Some(id.clone());
    let mut w = Wizard::start(&model.inventory, &id, model.last_draft.clone());
    // `plan --out` saves; it does not apply.
    w.can_apply = !model.quit_after_save;
    model.wizard = Some(w);
    vec![]
}

/// A VPC's DNS attributes, read for Enter on it: kept in the inventory (discovery's own read
/// replaces them when it ends); the wizard starts if it still waits for this VPC and the cursor
/// is still on it.
pub(super) fn on_vpc_attributes(
    model: &mut Model,
    vpc: String,
    result: Result<(bool, bool), crate::cloud::CloudError>,
) -> Vec<Cmd> {
    model.dirty = true;
    let waiting = model.starting.as_deref() == Some(vpc.as_str());
    if waiting {
        model.starting = None;
    }
    match result {
        Ok((support, hostnames)) => {
            for v in model.inventory.vpcs.iter_mut().filter(|v| v.id == vpc) {
                v.dns_support = Some(support);
                v.dns_hostnames = Some(hostnames);
            }
            let still_here = model.selected_vpc().is_some_and(|v| v.id == vpc);
            if waiting && still_here && model.wizard.is_none() {
                model.flash = None;
                return start_wizard(model);
            }
        }
        Err(e) => {
            model.flash = Some(format!(
                "could not read the DNS attributes of {vpc} ({e}) — {}; Enter again when discovery has read them",
                e.hint()
            ));
        }
    }
    vec![]
}

/// What the wizard starts from is read, or can be at once: the subnets and endpoints, and the
/// VPCs (their list at least: Enter reads the selected one's attributes if discovery has not).
pub(super) fn wizard_can_start(model: &Model) -> bool {
    let listed = match model.source(Source::Vpcs) {
        SourceState::Loaded { .. } => true,
        SourceState::Loading { .. } => !model.inventory.vpcs.is_empty(),
        _ => false,
    };
    listed
        && [Source::Subnets, Source::VpcEndpoints]
            .iter()
            .all(|s| matches!(model.source(*s), SourceState::Loaded { .. }))
}
