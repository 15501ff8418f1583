from .classes import *
