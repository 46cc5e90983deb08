"""The track's states and date rules (participants/track/rules.py), read from plain values."""

from datetime import date, timedelta

from participants.track.rules import Action, Span, State, Stint, Track

TODAY = date(2025, 6, 18)  # a Wednesday
VISITED = date(2025, 1, 6)
P1 = date(2025, 1, 15)  # a Wednesday


def track(**kwargs) -> Track:
    values = {"accepted": [VISITED], "phase1_start": P1, "today": TODAY, **kwargs}
    return Track(**values)


def test_states_follow_the_programme():
    assert Track(today=TODAY).state == State.NEW
    assert Track(proposed=True, today=TODAY).state == State.PROPOSED
    assert Track(rejected=True, today=TODAY).state == State.REJECTED
    assert track(phase1_start=None).state == State.ACCEPTED
    assert track().state == State.PHASE1
    assert track(phase2_start=date(2025, 5, 1)).state == State.PHASE2
    assert track(phase2_start=date(2025, 5, 1), phase3_start=date(2025, 6, 1)).state == (
        State.PHASE3
    )
    assert track(exits=[date(2025, 6, 1)]).state == State.EXITED
    assert track(exits=[date(2025, 6, 1)], followed_up=True).state == State.FOLLOWED_UP


def test_actions_are_offered_only_in_their_states():
    proposed = Track(proposed=True, today=TODAY)
    assert Action.REVIEW in proposed.allowed
    assert not {Action.START_PHASE1, Action.PLACEMENT, Action.EXIT} & proposed.allowed
    assert proposed.refusal(Action.PLACEMENT) is not None

    accepted = track(phase1_start=None)
    assert {Action.START_PHASE1, Action.EXIT, Action.SCREENING} <= accepted.allowed
    assert not {Action.PLACEMENT, Action.HOURS, Action.START_PHASE2} & accepted.allowed

    left = track(exits=[date(2025, 6, 1)])
    assert left.allowed == {Action.PROPOSE, Action.FOLLOW_UP, Action.NOTE}
    assert left.refusal(Action.EXIT) is not None


def test_a_reentry_starts_a_new_stint_from_the_revisitation():
    again = date(2025, 4, 7)
    t = track(accepted=[VISITED, again], exits=[date(2025, 3, 1)])
    assert t.stints == [Stint(VISITED, P1, date(2025, 3, 1)), Stint(again, again, None)]
    assert t.state == State.PHASE1
    assert t.hours_errors(date(2025, 2, 24)) == []  # the week of the first exit
    assert t.hours_errors(date(2025, 3, 17))  # between the stints
    assert t.hours_errors(date(2025, 4, 7)) == []


def test_hours_only_in_the_track_and_never_ahead_of_the_current_week():
    t = track(exits=[date(2025, 5, 14)])
    assert t.hours_errors(date(2025, 1, 13)) == []  # the week phase 1 starts in
    assert "før forløbets start" in t.hours_errors(date(2025, 1, 6))[0]
    assert t.hours_errors(date(2025, 5, 12)) == []  # the week of the exit
    assert "efter ophør" in t.hours_errors(date(2025, 5, 19))[0]
    running = track()
    assert running.hours_errors(date(2025, 6, 16)) == []  # this week
    assert "ikke begyndt" in running.hours_errors(date(2025, 6, 23))[0]


def test_hours_are_refused_in_a_week_the_track_is_paused():
    t = track(pauses=[Span(date(2025, 3, 3), date(2025, 3, 7)), Span(date(2025, 4, 2), None)])
    assert "pause" in t.hours_errors(date(2025, 3, 3))[0]
    assert t.hours_errors(date(2025, 3, 31)) == []  # paused from Wednesday only
    assert t.hours_errors(date(2025, 4, 7))  # an open pause


def test_phase_start_dates():
    accepted = track(phase1_start=None)
    assert accepted.phase_start_errors(1, VISITED - timedelta(days=1))
    assert accepted.phase_start_errors(1, VISITED) == []
    assert accepted.phase_start_errors(1, TODAY + timedelta(days=1))
    t = track(phase2_start=date(2025, 5, 1))
    assert t.phase_start_errors(2, P1 - timedelta(days=1))
    assert t.phase_start_errors(3, date(2025, 4, 30))  # before phase 2
    assert t.phase_start_errors(3, date(2025, 5, 1)) == []
    assert t.phase_start_errors(1, date(2025, 5, 2))  # after the later phase


def test_exit_dates():
    t = track()
    assert t.exit_errors(P1 - timedelta(days=1))
    assert t.exit_errors(P1) == []
    assert t.exit_errors(TODAY + timedelta(days=1))
    assert track(phase1_start=None).exit_errors(VISITED) == []


def test_records_inside_the_track_and_a_paid_job_may_run_on():
    t = track(exits=[date(2025, 5, 14)])
    assert t.span_errors(P1 - timedelta(days=1), date(2025, 2, 1))
    assert t.span_errors(P1, date(2025, 5, 14)) == []
    assert t.span_errors(P1, date(2025, 5, 15))
    assert t.span_errors(P1, None)
    assert t.span_errors(P1, None, runs_past_exit=True) == []


def test_follow_ups_after_the_exit_and_not_ahead():
    t = track(exits=[date(2025, 5, 14)])
    assert t.followup_errors(date(2025, 5, 14))
    assert t.followup_errors(date(2025, 5, 15)) == []
    assert t.followup_errors(TODAY + timedelta(days=1))


def test_a_new_pause_may_not_overlap_another():
    paused = track(pauses=[Span(date(2025, 3, 3), date(2025, 3, 14))])
    overlap = "Pausen overlapper en anden pause."
    assert overlap in paused.pause_errors(date(2025, 3, 10), date(2025, 3, 20))
    assert overlap in paused.pause_errors(date(2025, 2, 1), None)  # open-ended, runs into it
    assert paused.pause_errors(date(2025, 3, 15), date(2025, 3, 20)) == []
    open_pause = track(pauses=[Span(date(2025, 3, 3), None)])
    assert overlap in open_pause.pause_errors(date(2025, 6, 1), date(2025, 6, 5))
    assert open_pause.pause_errors(date(2025, 2, 1), date(2025, 3, 2)) == []
