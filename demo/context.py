"""What the demo's steps hand on to the steps after them."""

from __future__ import annotations

from dataclasses import dataclass, field

from accelerator.models import Company
from partnerships.models import Cluster, GrowthPartnership, Municipality, Organisation, User
from siv.roles import Role


@dataclass
class DemoContext:
    """Filled step by step: the partnerships step sets the geography, organisations and
    people, the accelerator step its companies; every step may add lines to `report`."""

    municipalities: dict[str, Municipality] = field(default_factory=dict)
    clusters: dict[int, Cluster] = field(default_factory=dict)
    actors: dict[str, Organisation] = field(default_factory=dict)
    company_organisations: dict[str, Organisation] = field(default_factory=dict)
    partnerships: dict[str, GrowthPartnership] = field(default_factory=dict)
    users: dict[Role, User] = field(default_factory=dict)
    # A second controller and a second administrator, to approve what the first propose.
    colleagues: dict[Role, User] = field(default_factory=dict)
    companies: dict[str, Company] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)
