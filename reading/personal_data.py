from core.personal_data import KEEP, UNLINK, Declaration, registry

registry.add(Declaration("reading.SharingChoice", {"complaint": KEEP, "chosen_by": UNLINK}))
