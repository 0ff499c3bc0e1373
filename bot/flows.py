"""Multi-step exchanges: the Step a conversation waits at, and a diagram of every flow."""

from __future__ import annotations

from enum import StrEnum


class Step(StrEnum):
    """Where a multi-step exchange stands (ConversationState.pending).

    The values are stored in conversation rows: never change one.

    Profile, guided (/profile edit, the "Set up my profile" and "Edit step by step" buttons,
    /profile with an empty profile). Each step saves what it learnt, so an abandoned flow
    loses nothing; "skip" (or the Skip button) moves on without an answer:

        ──▶ PROFILE_SKILLS ──▶ PROFILE_LEVEL ──▶ PROFILE_REMOTE ──remote──▶ done
                                                       └──other───▶ PROFILE_LOCATION ──▶ done

    Done is one line showing the profile, with an Undo button back to the profile the flow
    started from. PROFILE_LOCATION takes several places ("Berlin or Munich").

    Forget (/forget, "delete my data", the "Delete my data" button under /mydata):

        ──▶ CONFIRM_FORGET ──yes──▶ every row removed
                  └─────────no───▶ nothing changes

    A message a step does not take as its answer (a question, say) drops the step and is
    answered as usual.

    Two follow-ups keep what they need in the conversation instead of a pending step, so
    nothing waits for them and any message may come next:

        topic answer (last_topic, aspect) ──"tell me more" / "example?" / "why?" / "downsides?" /
                                            "simpler?"──▶ the same topic: the next passages or
                                            that side of it
                                      ──"and Go?" / "what about X instead"──▶ the same side of X
                                      ──"how does that compare to Y?"──▶ the topic against Y
        /jobs (jobs_query, page)  ──"more" / More openings──▶ the next page ──▶ …
    """

    PROFILE_SKILLS = "profile_skills"
    PROFILE_LEVEL = "profile_level"
    PROFILE_REMOTE = "profile_remote"
    PROFILE_LOCATION = "profile_location"
    CONFIRM_FORGET = "confirm_forget"


# The guided profile flow in order (the handler skips LOCATION for remote-only people).
PROFILE_FLOW: tuple[Step, ...] = (
    Step.PROFILE_SKILLS, Step.PROFILE_LEVEL, Step.PROFILE_REMOTE, Step.PROFILE_LOCATION,
)


def next_step(step: Step) -> Step | None:
    """The step after `step` in its flow, or None when the flow ends there."""
    flow = PROFILE_FLOW if step in PROFILE_FLOW else (step,)
    i = flow.index(step)
    return flow[i + 1] if i + 1 < len(flow) else None
