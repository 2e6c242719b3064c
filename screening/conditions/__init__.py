"""The condition language shared by the catalogue's show-when and rules.yaml's `when:`.

    operators.py   every operator's meaning: the question types it fits, its test, its words, its FHIR form
    language.py    compiling a condition against a catalogue, and evaluating it
    words.py       a condition written out in words for staff
    yamlload.py    YAML with line and column marks, for messages that point at the line

Imports neither the rules engine nor the catalogue's builder: both build on this.
"""
