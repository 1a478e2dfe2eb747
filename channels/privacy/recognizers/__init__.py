"""Custom Presidio recognizers for patient wording; `ALL` lists them for the registry."""

from channels.privacy.recognizers.address import AddressRecognizer
from channels.privacy.recognizers.age_over_89 import AgeOver89Recognizer
from channels.privacy.recognizers.city import CityRecognizer
from channels.privacy.recognizers.credential_name import CredentialNameRecognizer
from channels.privacy.recognizers.date import DateRecognizer
from channels.privacy.recognizers.date_of_birth import DateOfBirthRecognizer
from channels.privacy.recognizers.email_address import EmailAddressRecognizer
from channels.privacy.recognizers.facility import FacilityRecognizer
from channels.privacy.recognizers.insurance_id import InsuranceIdRecognizer
from channels.privacy.recognizers.ip_address import IpAddressRecognizer
from channels.privacy.recognizers.mrn import MrnRecognizer
from channels.privacy.recognizers.name_grammar import NameGrammarRecognizer
from channels.privacy.recognizers.named_place import NamedPlaceRecognizer
from channels.privacy.recognizers.patient_name import PatientNameRecognizer
from channels.privacy.recognizers.phone import PhoneRecognizer
from channels.privacy.recognizers.ssn import SsnRecognizer
from channels.privacy.recognizers.url import UrlRecognizer
from channels.privacy.recognizers.username import UsernameRecognizer
from channels.privacy.recognizers.zip_code import ZipCodeRecognizer

ALL = [AddressRecognizer, AgeOver89Recognizer, CityRecognizer, CredentialNameRecognizer, DateRecognizer, DateOfBirthRecognizer,
       EmailAddressRecognizer, FacilityRecognizer, InsuranceIdRecognizer, IpAddressRecognizer, MrnRecognizer,
       NameGrammarRecognizer, NamedPlaceRecognizer, PatientNameRecognizer, PhoneRecognizer, SsnRecognizer, UrlRecognizer,
       UsernameRecognizer, ZipCodeRecognizer]
