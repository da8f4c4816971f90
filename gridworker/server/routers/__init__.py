"""The HTTP routes, one router per audience: ``meta`` (health), ``auth`` (enrolment, the online user
check), ``sync`` (what an enrolled laptop calls) and ``admin`` (an administrator's laptop).

Each route is thin: authorise (the dependencies of :mod:`..deps`), open one transaction, call the
module that does the work, encode. Sync routes only ever touch the device's community; admin routes
check every object against the admin's org scope and answer 404 for anything outside it.
"""
