# Entity annotation codes and tag strings, shared by Doc, the entity recognizer's
# transition system and the training converters (entity_tags.pyx).

# TokenC.ent_iob: spaCy's integer IOB codes.
cpdef enum IobCode:
    IOB_MISSING = 0     # no entity annotation
    IOB_IN = 1          # inside an entity that began on an earlier token
    IOB_OUT = 2         # outside every entity
    IOB_BEGIN = 3       # first token of an entity


cpdef tuple split_entity_tag(object tag)
